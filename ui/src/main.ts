// First: before any library formats numbers at load time.
import './lib/locale';
import { mount } from 'svelte';
import './theme.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
export default mount(App, { target });
